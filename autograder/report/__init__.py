"""The instructor's class report: one offline HTML page (plots embedded, no script, no network)
written into one folder by two commands, each adding its own section and data files:

    python -m autograder report GRADEBOOK_DIR --out report/        item analysis (item_analysis.py)
    python -m autograder similarity SUBMISSIONS_DIR --out report/  similarity check (similarity.py)

`report/index.html` is rewritten by each from every section's data in `report/` (html.py), so the
two commands run in either order, and again, give one page.
"""
