#!/usr/bin/env bash
# Two real ICMap processes on one PostgreSQL database (sessions, sign-in limits, a consensus race,
# the setup link), and db:copy of a demo install into it: named here so CI's log shows them apart
# from the suite (which also runs them whenever TEST_DATABASE_URL is set).
set -euo pipefail
npx vitest run test/ops/two-processes.test.ts test/ops/db-copy.test.ts
