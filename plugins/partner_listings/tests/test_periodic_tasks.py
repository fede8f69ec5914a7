from marketplace.celery import app


def test_periodic_tasks_are_scheduled_with_registered_tasks():
    # given
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule

    # then
    tasks = {entry["task"] for entry in schedule.values()}
    assert {
        "partner_listings.retry_webhooks",
        "partner_listings.check_all_listing_prices",
    } <= tasks
    assert tasks <= set(app.tasks)
