"""The local Twilio API (tests/support/twilio_api.py) in a process of its own, for benchmarks.

python -m bench.twilio_server PORT ACCOUNT_SID AUTH_TOKEN
"""

import sys
import threading
import time

from tests.support.twilio_api import FakeTwilio


def main() -> None:
    port, sid, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    with FakeTwilio(account_sid=sid, auth_token=token, port=port, keep=False) as fake:
        print("ready", flush=True)
        while True:
            time.sleep(5)
            print(f"accepted {fake.count}", flush=True)


if __name__ == "__main__":
    threading.excepthook = lambda args: None
    main()
