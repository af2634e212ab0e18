#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one integration test (*.int) with a hard time bound. The test script
# itself starts the peer process it needs (litecoind, the stratum test server)
# on 127.0.0.1 and kills it by PID on every exit path (trap); this wrapper
# bounds the whole run so nothing can hang the suite.
set -u
limit=${QM_INT_TIMEOUT:-900}
exec timeout --kill-after=10 "$limit" sh "$@" 2>&1
