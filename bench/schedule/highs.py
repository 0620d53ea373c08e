#!/usr/bin/env python3
"""Solve one model with HiGHS through scipy.optimize.milp (Debian python3-scipy).

bench/schedule (go run ./bench/schedule ref -solver highs) writes the model as
JSON (sparse rows, see sparseModel in lpmodel.go) and reads back one JSON line:

    highs.py MODEL.json TIME_LIMIT_SECONDS   -> {"status", "message", "x", "bound", "seconds", "nodes"}
    highs.py --version                       -> {"highs": "1.2.0", "scipy": "1.10.1"}

The Go side checks the solution against the model and counts; this script only
translates. HiGHS minimizes, so a maximization is negated on the way in and out.
"""
import json
import os
import re
import sys
import tempfile
import time

import numpy as np
import scipy
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array


def bounds(values, infinity):
    return np.array([infinity if v is None else v for v in values], dtype=float)


def solve(model, limit):
    sign = -1.0 if model["maximize"] else 1.0
    c = sign * np.array(model["c"], dtype=float)
    n = len(c)
    a = csr_array((model["data"], model["indices"], model["indptr"]), shape=(len(model["indptr"]) - 1, n))
    constraints = []
    if a.shape[0] > 0:
        constraints = [LinearConstraint(a, bounds(model["row_lower"], -np.inf), bounds(model["row_upper"], np.inf))]
    # HiGHS stops at a relative gap of 1e-4 by default, which on these
    # objectives (about 3e8) is 30,000: more than a continuity weight. The
    # objectives are integral, so a gap below one unit proves optimality.
    scale = max(1.0, float(np.abs(c).sum()))
    options = {"time_limit": float(limit), "disp": False, "mip_rel_gap": 0.5 / scale}
    start = time.monotonic()
    res = milp(c, constraints=constraints, integrality=np.array(model["integer"], dtype=int),
               bounds=Bounds(np.zeros(n), bounds(model["col_upper"], np.inf)), options=options)
    seconds = time.monotonic() - start
    status = {0: "Optimal", 1: "Stopped on time", 2: "Infeasible", 3: "Unbounded"}.get(res.status, "Stopped: " + res.message)
    bound = None if res.get("mip_dual_bound") is None else sign * float(res.mip_dual_bound)
    x = None if res.x is None else [float(v) for v in res.x]
    return {"status": status, "message": res.message, "x": x, "bound": bound, "seconds": seconds,
            "nodes": res.get("mip_node_count")}


def highs_version():
    """HiGHS prints its version only in its log: solve a one-variable model with the log on, file descriptor 1 redirected."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile(mode="w+") as log:
        os.dup2(log.fileno(), 1)
        try:
            milp(np.array([1.0]), integrality=np.array([1]), bounds=Bounds(0, 1), options={"disp": True})
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        log.seek(0)
        found = re.search(r"HiGHS (\d+\.\d+\.\d+)", log.read())
    return found.group(1) if found else "unknown"


def main(argv):
    if argv[1:] == ["--version"]:
        print(json.dumps({"highs": highs_version(), "scipy": scipy.__version__}))
        return 0
    if len(argv) != 3:
        print("usage: highs.py MODEL.json TIME_LIMIT_SECONDS | --version", file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        model = json.load(f)
    print(json.dumps(solve(model, float(argv[2]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
