"""Dask executors for a batch (``haldenenergie batch --cluster local|tcp://HOST:8786``).

Dask (``dask.distributed``) is an optional extra, ``pip install 'haldenenergie[cluster]'``, and is
imported only here, only when a cluster is asked for. :func:`cluster_executor` yields the
client's :class:`concurrent.futures.Executor` (``distributed.Client.get_executor``, Dask
distributed documentation, "Futures: concurrent.futures"), so the batch has one code path for
the local process pool and any Dask cluster. The tasks carry paths and the config only
(:class:`~haldenenergie.batch.run.WorkerContext`); the workers read every input from the same
paths, which on a multi-host cluster must be a shared file system.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from concurrent.futures import Executor

from ..errors import HaldenError

#: How long to wait for a scheduler to answer [s]. Assumption: a reachable scheduler answers
#: within seconds; 10 s is distributed's own default connect timeout ("distributed.comm.timeouts
#: .connect": 30s) shortened so that a typo in the address fails soon.
CONNECT_TIMEOUT_S = 10
#: Address schemes of a Dask scheduler (Dask distributed documentation, "Communications").
SCHEMES = ("tcp://", "tls://", "ucx://", "ws://", "wss://")
INSTALL_HINT = "pip install 'haldenenergie[cluster]'"


def _import_distributed(spec: str):
    try:
        import distributed
    except ImportError:
        raise HaldenError(
            f"--cluster {spec}: needs Dask (dask.distributed), which is not installed; "
            f"{INSTALL_HINT}"
        ) from None
    return distributed


@contextlib.contextmanager
def cluster_executor(spec: str, jobs: int | None = None) -> Iterator[Executor]:
    """An Executor on a Dask cluster for the block; the cluster/client is closed after it.

    Parameters
    ----------
    spec : ``"local"``: start a ``distributed.LocalCluster`` of ``jobs`` worker processes with one
        thread each (the batch's tasks are CPU-bound Python; one per core, as the local pool);
        ``"tcp://HOST:8786"`` (or another scheme of :data:`SCHEMES`): connect to a running
        scheduler (``dask scheduler`` + ``dask worker``, or dask-jobqueue on SLURM).
    jobs : worker processes of a local cluster [-] (default: the number of cores); ignored for
        a remote scheduler, whose workers are the ones started there.

    Raises
    ------
    HaldenError : Dask not installed (with the pip command), an unknown ``spec``, or a scheduler
        that cannot be reached.
    """
    distributed = _import_distributed(spec)
    cluster = None
    try:
        if spec == "local":
            cluster = _local_cluster(distributed, jobs)
            client = distributed.Client(cluster)
        elif spec.startswith(SCHEMES):
            client = distributed.Client(spec, timeout=CONNECT_TIMEOUT_S)
        else:
            raise HaldenError(
                f"--cluster {spec!r}: expected 'local' or a scheduler address such as "
                "tcp://HOST:8786"
            )
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise HaldenError(
            f"--cluster {spec}: cannot reach the Dask scheduler ({type(exc).__name__}: {exc}); "
            "start it with `dask scheduler` (and workers with `dask worker ADDRESS`) or check "
            "the address"
        ) from None
    try:
        # pure=False: every task runs (Dask would otherwise merge tasks of equal arguments)
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _local_cluster(distributed, jobs: int | None):
    """A ``LocalCluster`` of ``jobs`` single-threaded worker processes (HTTP server on a free port).

    Raises HaldenError if the workers do not start (e.g. a script that starts a batch on a
    local cluster without an ``if __name__ == "__main__":`` guard: Dask's worker processes are
    spawned and import the main module again, Python documentation, multiprocessing, "Safe
    importing of main module").
    """
    try:
        return distributed.LocalCluster(
            n_workers=max(1, jobs or os.cpu_count() or 1),
            threads_per_worker=1,
            processes=True,
            # the scheduler's HTTP server (dashboard, /health) on a free port: with None it still
            # binds the default :8787, and two batches at once clash (Dask docs, LocalCluster:
            # "Use ':0' for a random port")
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
    except RuntimeError as exc:
        raise HaldenError(
            f"--cluster local: the Dask workers did not start ({exc}); a script that runs a batch "
            'on a local cluster needs an `if __name__ == "__main__":` guard'
        ) from None
