"""The app's flows, one concern a module, each a mixin over `AppView`: the action a key
starts, the worker that calls the core through `Services`, and the handlers of what the
worker reports. Workers are thin: each calls one blocking `Services` method and posts
messages; handlers run on the event loop."""
