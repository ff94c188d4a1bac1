"""Internal: the browser side, served by ``frontdesk serve`` — the customer chat widget
(``/widget.js``, a demo page at ``/demo``) and the operator console (``/console``). Plain files,
no build step and nothing loaded from elsewhere; their public face is the pages themselves and
the HTTP API they use."""
