"""Test support for projects that use narcometrics.

[`narcometrics.testing.strategies`][narcometrics.testing.strategies] has hypothesis strategies for
every record (needs the ``testing`` extra: ``pip install narcometrics[testing]``).
"""
