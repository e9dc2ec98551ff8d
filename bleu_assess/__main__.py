"""`python -m bleu_assess` and the `bleu-assess` program (pyproject's [project.scripts])."""

import gc
import os
import sys


def main() -> None:
    """Run the command line, then end the process without tearing the interpreter down.

    Start-up (typer, click, the command modules, some 150 modules) allocates only objects that
    live as long as the process, so the cycle collector is off until `cli.main` has moved them
    to the permanent generation: the 30 collections it made during start-up traversed them
    again and again for nothing.

    Once the command is done (its outputs written and closed: output.write_atomic), the exit
    handlers run (the compiled cache's memos are written), standard output and error are
    flushed, and the process exits with the command's status (`os._exit`): the interpreter's
    finalisation (a last full collection, then freeing every module and object one by one)
    would only cost time, 3 % of a hospital-sized report. An exception other than SystemExit
    (a traceback under --debug), a failing flush or an unusual exit value leave Python to
    finish as usual."""
    gc.disable()
    from bleu_assess.cli import main as run

    try:
        run()
        code = 0
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            raise  # a message: Python prints it and exits with status 1
        code = done.code or 0
    import atexit

    finish = getattr(atexit, "_run_exitfuncs", None)  # CPython's: the handlers, then none left
    if finish is None:
        sys.exit(code)
    finish()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)  # as Python would report it
    os._exit(code)


if __name__ == "__main__":
    main()
