from marketplace.celery import app


@app.task(name="marketplace.ping")
def ping(value):
    """Echo a value back: proves a worker consumes the configured broker."""
    return {"pong": value}
