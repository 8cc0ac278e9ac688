#!/usr/bin/env python3
"""Public benchmark tables drawn from a random Bayesian network of in-degree at most 2.

Each column takes up to two parents among the columns before it, chosen at random, and has a
conditional table drawn from a Dirichlet(0.5) for every parent configuration, so the table has
strong low-order structure like real data. Domain sizes follow one of two profiles:
  census: one column of 100 levels, two of 20, the rest 2 to 20 (a census extract's shape);
  wide:   every column 2 to 100 levels.
Writes NAME.csv (codes 0..levels-1) and NAME.yaml (a coded dpsynth schema) into OUT.
The seed fixes everything, so every machine draws the same table.

  python3 bayesian_network.py --profile census --columns 24 --rows 30000 --seed 1 --out DIR
"""
import argparse
import os

import numpy as np


def domains(profile, columns, rng):
    if profile == "census":
        sizes = [100, 20, 20] + list(rng.integers(2, 21, size=columns - 3))
        return [int(s) for s in rng.permutation(sizes)]
    return [int(s) for s in rng.integers(2, 101, size=columns)]


def draw(profile, columns, rows, seed):
    rng = np.random.default_rng(seed)
    sizes = domains(profile, columns, rng)
    codes = np.zeros((rows, columns), dtype=np.int64)
    for column, levels in enumerate(sizes):
        parents = sorted(rng.choice(column, size=min(2, column), replace=False)) if column else []
        configurations = int(np.prod([sizes[p] for p in parents])) if parents else 1
        table = rng.dirichlet(np.full(levels, 0.5), size=configurations).cumsum(axis=1)
        table[:, -1] = 1.0
        configuration = np.zeros(rows, dtype=np.int64)
        for parent in parents:
            configuration = configuration * sizes[parent] + codes[:, parent]
        uniform = rng.random(rows)
        codes[:, column] = (uniform[:, None] > table[configuration]).sum(axis=1)
    return sizes, codes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=["census", "wide"], required=True)
    parser.add_argument("--columns", type=int, required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--name")
    arguments = parser.parse_args()
    name = arguments.name or f"{arguments.profile}{arguments.columns}"
    sizes, codes = draw(arguments.profile, arguments.columns, arguments.rows, arguments.seed)
    os.makedirs(arguments.out, exist_ok=True)
    header = ",".join(f"c{index}" for index in range(len(sizes)))
    np.savetxt(os.path.join(arguments.out, name + ".csv"), codes, fmt="%d", delimiter=",", header=header, comments="")
    with open(os.path.join(arguments.out, name + ".yaml"), "w") as schema:
        schema.write(f"name: {name}\ncolumns:\n")
        for index, levels in enumerate(sizes):
            schema.write(f"  - {{name: c{index}, kind: coded, levels: {levels}, missing: error}}\n")


if __name__ == "__main__":
    main()
