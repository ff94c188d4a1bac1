"""The support graph: state schema, nodes and ``build_graph`` (see ``frontdesk.graphs.support``)."""
