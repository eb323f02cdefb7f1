"""The web layer: app factory, dependencies, error handlers, templating and i18n."""
