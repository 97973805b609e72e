"""Moving content and credentials to other systems: Moodle XML, SCORM 1.2, Open Badges 3.0.

Flask-free: every function takes plain catalog objects or values and returns
text, bytes or dicts; services and views do the database and HTTP work.
"""
