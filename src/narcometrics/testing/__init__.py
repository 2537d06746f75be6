"""Test support for projects that use narcometrics.

:mod:`narcometrics.testing.strategies` has hypothesis strategies for every record (needs
the ``testing`` extra: ``pip install narcometrics[testing]``).
"""
