"""Imported once by the batch pool's forkserver: every worker forked from it starts warm."""

from .worker import warm_up

warm_up()
