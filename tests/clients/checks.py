"""What the client test scripts share: running their checks in order, each timed, the first
failure stopping the run with its traceback and a non-zero exit."""

import time
import traceback


def run(client, url, make_context, checks):
    """Runs `checks` (functions of one context) against `url`; answers the exit status."""
    started = time.monotonic()
    context = make_context()
    passed = 0
    for check in checks:
        began = time.monotonic()
        try:
            check(context)
        except Exception:  # noqa: BLE001 (a failure of any kind is reported and ends the run)
            traceback.print_exc()
            print(f"FAILED {check.__name__}")
            print(f"{passed} passed, 1 failed")
            return 1
        passed += 1
        print(f"ok {check.__name__} ({time.monotonic() - began:.2f} s)")
    print(f"{client} against {url}: {time.monotonic() - started:.1f} s")
    print(f"{passed} passed, 0 failed")
    return 0
