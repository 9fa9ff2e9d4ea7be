"""Path parameters every page shares: an object's id.

An id in a path is an `Id`: a positive integer that fits the database's 64-bit columns. Anything
else (`abc`, `-1`, `99999999999999999999`) names nothing, so the answer is the 404 page
(`relay.app` turns a path that fails validation into a 404), never a 500 from a database that
cannot hold the number nor a 422 that shows a validation error.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

LARGEST = 2**63 - 1  # BIGINT on Postgres, INTEGER on SQLite
Id = Annotated[int, Path(ge=1, le=LARGEST)]
