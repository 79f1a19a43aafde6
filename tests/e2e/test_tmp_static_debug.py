import pytest
pytestmark = [pytest.mark.django_db(transaction=True)]

def test_static(page, live_server):
    seen = []
    page.on("response", lambda r: seen.append((r.status, r.url, r.headers.get("content-type"))))
    page.on("console", lambda m: seen.append(("console", m.text)))
    page.goto(f"{live_server.url}/accounts/login/")
    for s in seen:
        print(s)
    print(page.content()[:1200])
