import pytest


@pytest.mark.japanese
@pytest.mark.django_db
def test_home_renders_in_japanese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="ja"' in response.content.decode()
