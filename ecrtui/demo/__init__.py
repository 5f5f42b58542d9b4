"""`ecrtui --demo`: the real product against local stand-ins, no AWS account.

`environment.py` starts the stand-ins (moto server, and ours in `standins/` for what
moto lacks), writes a throwaway HOME (`files.py`), patches moto and botocore in this
process only (`moto_world.py`) and points ecrtui at it all through the standard
environment variables; `run.py` runs the app or the headless tour inside it; `sso.py`
stands in for `aws sso login`. The launcher hands the app and the CLI what they need
from here, so the demo imports neither.
"""

from ecrtui.demo.run import app_stage, missing_extra, run_headless_demo

__all__ = ["app_stage", "missing_extra", "run_headless_demo"]
