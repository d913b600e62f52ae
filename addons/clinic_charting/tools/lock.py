"""PostgreSQL triggers that make signed clinical records immutable, whoever writes: the ORM, a
``sudo()``, or raw SQL. The ORM refuses first with a clear message; these triggers are the guarantee."""

from odoo.tools import SQL

# Columns any write touches: changing only these is not a change of content.
BOOKKEEPING = ("write_date", "write_uid")


def install_lock(cr, table, locked, message, allowed=(), refuse_update=None, on_insert=False):
    """Refuse UPDATE and DELETE of the rows of ``table`` for which ``locked`` holds.

    :param locked: SQL condition on the row ``r`` (the old row; the new one for inserts), e.g.
        ``r.state <> 'draft'``, or a lookup of its parent record.
    :param message: the error PostgreSQL raises (errcode ``check_violation``).
    :param allowed: columns that may still change on a locked row (besides ``write_date`` and
        ``write_uid``); every other column must stay equal.
    :param refuse_update: an extra SQL condition on ``OLD`` and ``NEW`` refusing an update of a
        locked row even when only allowed columns change (e.g. going back to draft).
    :param on_insert: also refuse inserting a row for which ``locked`` holds (lines added under a
        signed record).
    """
    function = f"{table}_lock"
    ignored = SQL("ARRAY[%s]::text[]", SQL(", ").join(SQL("%s", column) for column in (*BOOKKEEPING, *allowed)))
    cr.execute(SQL(
        """
        CREATE OR REPLACE FUNCTION %(function)s() RETURNS trigger LANGUAGE plpgsql AS $body$
        DECLARE r %(table)s;
        BEGIN
            IF TG_OP = 'INSERT' THEN
                r := NEW;
                IF %(on_insert)s AND (%(locked)s) THEN
                    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = %(message)s;
                END IF;
                RETURN NEW;
            END IF;
            r := OLD;
            IF %(locked)s THEN
                IF TG_OP = 'DELETE'
                   OR (to_jsonb(OLD) - %(ignored)s) IS DISTINCT FROM (to_jsonb(NEW) - %(ignored)s)
                   OR (%(refuse_update)s) THEN
                    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = %(message)s;
                END IF;
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END
        $body$;
        DROP TRIGGER IF EXISTS %(function)s ON %(table)s;
        CREATE TRIGGER %(function)s BEFORE INSERT OR UPDATE OR DELETE ON %(table)s
            FOR EACH ROW EXECUTE FUNCTION %(function)s();
        """,
        function=SQL.identifier(function),
        table=SQL.identifier(table),
        on_insert=SQL("TRUE" if on_insert else "FALSE"),
        locked=SQL(locked),
        message=message,
        ignored=ignored,
        refuse_update=SQL(refuse_update or "FALSE"),
    ))


def install_append_only(cr, table, message):
    """Refuse every UPDATE, DELETE and TRUNCATE of ``table``: rows are only ever added."""
    function = f"{table}_append_only"
    cr.execute(SQL(
        """
        CREATE OR REPLACE FUNCTION %(function)s() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = %(message)s;
        END
        $body$;
        DROP TRIGGER IF EXISTS %(function)s ON %(table)s;
        CREATE TRIGGER %(function)s BEFORE UPDATE OR DELETE ON %(table)s
            FOR EACH ROW EXECUTE FUNCTION %(function)s();
        DROP TRIGGER IF EXISTS %(truncate)s ON %(table)s;
        CREATE TRIGGER %(truncate)s BEFORE TRUNCATE ON %(table)s
            FOR EACH STATEMENT EXECUTE FUNCTION %(function)s();
        """,
        function=SQL.identifier(function),
        truncate=SQL.identifier(f"{table}_no_truncate"),
        table=SQL.identifier(table),
        message=message,
    ))
