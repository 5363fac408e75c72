"""Requests released together from real threads."""

import threading
from collections.abc import Callable

from django.db import connection

THREADS = 20


def parallel(send: Callable[[], object], threads: int = THREADS) -> list:
    """``send`` from ``threads`` threads released together; their answers (or errors)."""
    answers: list = []
    barrier = threading.Barrier(threads)

    def run() -> None:
        try:
            barrier.wait(timeout=20)
            answers.append(send())
        except BaseException as error:  # reported by the test
            answers.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return answers
