"""Internal: scenario replay (loading, running, reporting, the pytest plugin). Its public faces are the
scenario file format, ``frontdesk replay`` and pytest collecting ``*.scenario.yaml`` files.
"""
