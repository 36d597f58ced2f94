# Loads the `worker` fixture for every test under this folder (public, hidden and the grader's own).
pytest_plugins = ["autograder.pytest_plugin"]
