"""The group-practice server on PostgreSQL (issue 20; docs/PRACTICE-SERVER.md).

The only package that imports psycopg: a solo vault with no server configured never loads it.
"""
