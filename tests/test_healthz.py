def test_healthz_reports_database_redis_and_storage(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"}


def test_healthz_reports_a_storage_outage(client, db, settings):
    storages = dict(settings.STORAGES)
    options = dict(storages["default"]["OPTIONS"], endpoint_url="http://127.0.0.1:9")
    storages["default"] = {**storages["default"], "OPTIONS": options}
    settings.STORAGES = storages
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("error")
