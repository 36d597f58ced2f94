"""The genlab grading engine: judge, sandboxed worker, rubric, reports, release tooling.

Student code never runs in this package's process: it runs in the worker (worker_main.py), and
only data comes back (protocol.py). See the README's "How grading works".
"""
