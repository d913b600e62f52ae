from odoo import Command


def section(note, name):
    """The section of ``note`` called ``name`` (the default SOAP template: Subjective, Objective,
    Assessment, Plan)."""
    return note.section_ids.filtered(lambda line: line.name == name)


def write_sections(note, **bodies):
    """Write the sections named by ``bodies``' keys (``assessment="<p>...</p>"``) as the note's env user."""
    note.write({"section_ids": [
        Command.update(section(note, name.capitalize()).id, {"body": body}) for name, body in bodies.items()
    ]})
    return note


def new_note(notes, appointment, values=None, **bodies):
    """A note of ``appointment`` created through ``notes`` (a ``clinic.note`` model with the
    writer's env), its sections filled with ``bodies``."""
    note = notes.create(dict(values or {}, appointment_id=appointment.id))
    return write_sections(note, **bodies)
