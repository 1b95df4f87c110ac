#!/usr/bin/env bash
# Regenerates the sample data in data/ (ratings/ and homes/) from its fixed seeds. The committed data was made
# this way; a rerun writes the same values (SampleDataGeneratorTest checks the CSV files byte for byte).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NIGHTJAR_MAIN=io.nightjar.sample.SampleDataGenerator exec "$root/scripts/nightjar" "${1:-$root/data}"
