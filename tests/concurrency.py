"""Competing transactions, as many users would make them at once (DESIGN.md, Testing races)."""
import threading

from odoo import api
from odoo.service.model import retrying


def in_parallel(registry, user_id, calls, context=None):
    """Run each ``call(env)`` in its own thread, cursor and transaction, as ``user_id``. Every
    transaction takes its snapshot first; a barrier then releases them together, so none sees what
    the others write. Each call goes through the wrapper Odoo's RPC layer uses (``retrying``:
    commit, or an error for the user). Returns ``("ok", result)`` or ``("error", exception)`` per call.
    """
    barrier = threading.Barrier(len(calls), timeout=30)
    results = [None] * len(calls)

    def run(index, call):
        with registry.cursor() as cr:
            env = api.Environment(cr, user_id, dict(context or {}))
            cr.execute("SELECT count(*) FROM clinic_appointment")  # the snapshot is taken here
            barrier.wait()
            try:
                results[index] = ("ok", retrying(lambda: call(env), env))
            except Exception as error:  # noqa: BLE001 - the caller asserts on what happened
                results[index] = ("error", error)

    run_threads(run, calls, 60, "a transaction hung")
    return results


def at_once(calls, timeout=300):
    """Run each ``call()`` (an HTTP request, say) in its own thread, released together by a barrier.
    Returns ``("ok", result)`` or ``("error", exception)`` per call, in order."""
    barrier = threading.Barrier(len(calls), timeout=60)
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - the caller asserts on what happened
            results[index] = ("error", error)

    run_threads(run, calls, timeout, "a request never came back")
    return results


def run_threads(run, calls, timeout, hung):
    """``run(index, call)`` for each of ``calls`` in a thread of its own, all started, then joined
    within ``timeout`` seconds each; a thread still running fails with the message ``hung``."""
    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), hung
