"""HTTP server (extra ``server``): threads with streamed replies, and the operator inbox."""
