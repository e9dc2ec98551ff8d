"""`python -m bleu_assess` and the `bleu-assess` program (pyproject's [project.scripts])."""

import gc


def main() -> None:
    """Run the command line. Start-up (typer, click, the command modules, some 150 modules)
    allocates only objects that live as long as the process, so the cycle collector is off
    until `cli.main` has moved them to the permanent generation: the 30 collections it made
    during start-up traversed them again and again for nothing (about 6 ms, over 10 % of
    `import typer`)."""
    gc.disable()
    from bleu_assess.cli import main as run

    run()


if __name__ == "__main__":
    main()
