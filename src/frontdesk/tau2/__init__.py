"""Internal: tau2-bench (retail, airline): replaying gold actions through a domain's tools, importing tasks
as scenarios, live runs. Its public face is ``frontdesk tau2``.
"""
