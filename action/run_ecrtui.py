# The Python side of the ecrtui action: runs the bundled, headless ecrtui in action/dist
# and nothing else. main.js and post.js start it as `python -I -S run_ecrtui.py ARGS`, in
# this folder: isolated mode ignores PYTHON* variables and the user site, -S skips site
# (no sitecustomize, no .pth files), and sys.path is set below to the bundle and the
# interpreter's standard library only, so no module of the job's workspace, the current
# folder or the runner's site-packages is ever imported.
# Kept to syntax that old interpreters parse, so that they print the version error.
import os
import sys

MINIMUM = (3, 10)


def _library_path(here):
    bundle = os.path.join(here, "dist", "lib")
    cwd = os.path.realpath(os.getcwd())
    kept = []
    for entry in sys.path:
        # Under -I -S only the standard library remains, plus (before 3.11, which has no
        # -P) this script's folder; drop that, relative entries and the working folder.
        if not entry or not os.path.isabs(entry):
            continue
        real = os.path.realpath(entry)
        if real in (os.path.realpath(here), cwd):
            continue
        kept.append(entry)
    return [bundle] + kept


def main():
    if sys.version_info[:2] < MINIMUM:
        sys.stdout.write(
            "::error::ecrtui's action needs Python 3.10 or newer; %s is %d.%d "
            "(set up a newer one with actions/setup-python, or name it in ECRTUI_PYTHON)\n"
            % (sys.executable, sys.version_info[0], sys.version_info[1])
        )
        return 1
    if not (sys.flags.isolated and sys.flags.no_site):
        sys.stdout.write("::error::run_ecrtui.py must be started as `python -I -S run_ecrtui.py`\n")
        return 1
    sys.path[:] = _library_path(os.path.dirname(os.path.abspath(__file__)))
    import logging

    # botocore logs with tracebacks when no handler is configured; ecrtui reports errors itself.
    logging.getLogger().addHandler(logging.NullHandler())
    from ecrtui.cli.main import main as ecrtui_main

    return ecrtui_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
