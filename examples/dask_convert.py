#!/usr/bin/env python3
"""`gongkai convert` on a dask.distributed cluster: the same XML files and the same
`_errors.jsonl` as one machine's `gongkai convert IN -o OUT`.

    python examples/dask_convert.py IN -o OUT [--scheduler ADDRESS] [--workers N]
                                             [--batch FILES] [--force]

The driver walks IN once (`gongkai.plan`, the walk `convert` does), cuts the files into
batches of --batch, and runs one task per batch on the cluster (`gongkai.convert_files`:
the library's conversion, the GIL released). Each worker reads its inputs from IN and
writes its XML into OUT, so both must be the same paths on every worker: a shared folder
(NFS, an object store mounted as a folder). The driver gathers the outcomes and writes the
error list (`gongkai.write_errors`). Files whose XML is up to date are skipped, so a run
that died is resumed by running it again.

With --scheduler the cluster is an existing one (e.g. `dask scheduler` on one machine and
`dask worker ADDRESS --nthreads 1 --nworkers auto` on the others); without it, a
LocalCluster of --workers worker processes (one thread each) on this machine.

Exit codes as `convert`'s: 0 all converted or up to date, 1 some files failed (listed in
OUT/_errors.jsonl), 2 bad arguments, 3 an XML could not be written.
"""

import argparse
import os
import sys

import gongkai


def convert_batch(batch, output, force):
    """One task: convert these planned files on this worker (one thread: a worker process
    is one core)."""
    return gongkai.convert_files(batch, output, force, 1)


def thousands(n):
    return f"{n:,}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="the folder to convert (the same path on every worker)")
    parser.add_argument("-o", "--output", required=True, help="the output folder (shared)")
    parser.add_argument("--scheduler", help="address of a running dask scheduler")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes of the LocalCluster (default: the cores)")
    parser.add_argument("--batch", type=int, default=64, help="files per task (default 64)")
    parser.add_argument("--force", action="store_true",
                        help="convert files again even when their XML is up to date")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.batch < 1:
        parser.error("--workers and --batch must be at least 1")

    try:
        planned = gongkai.plan([args.input], args.output)
    except gongkai.InputError as e:
        print(f"gongkai: {e}", file=sys.stderr)
        return 2
    os.makedirs(args.output, exist_ok=True)
    batches = [planned[i:i + args.batch] for i in range(0, len(planned), args.batch)]

    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        client, cluster = Client(args.scheduler), None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(convert_batch, batches, output=args.output, force=args.force,
                             pure=False)
        outcomes = [o for batch in client.gather(futures) for o in batch]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    errors = [o["error"] for o in outcomes if o["error"] is not None]
    errors_path = gongkai.write_errors(args.output, errors)
    count = {k: sum(o["outcome"] == k for o in outcomes)
             for k in ("converted", "skipped", "failed", "already_xml")}
    line = (f"{thousands(count['converted'])} converted, {thousands(count['skipped'])} skipped, "
            f"{thousands(count['failed'])} failed")
    if count["already_xml"]:
        line += f", {thousands(count['already_xml'])} already canonical XML (not converted)"
    if count["failed"]:
        line += f" (see {errors_path})"
    print(line)
    if any('"class":"output"' in e for e in errors):
        return 3
    return 1 if count["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
