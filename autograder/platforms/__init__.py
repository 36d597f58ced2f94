"""What each course platform needs, built from the same solutions/, tests and rubric.

    gradescope.py       `python -m autograder gradescope --out autograder.zip`: Gradescope's autograder
    classroom.py        `python -m autograder classroom`: GitHub Classroom's points (the runner result)
    nbgrader_course.py  `python -m autograder nbgrader-course DIR` and `nbgrader-grade DIR`: JupyterHub
    installs.py         which dependency each person installs (student, judge, instructor)

Every platform grades with the same engine (autograder.grade) and writes from the same results model.
"""
