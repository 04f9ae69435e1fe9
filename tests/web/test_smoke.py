from portfolio.domain.vocabulary import Role
from portfolio.services.demo import seed_portfolio


def test_manager_sees_french_overview_with_demo_figures(client, auth):
    seed_portfolio(20)
    auth.login(Role.MANAGER)
    page = client.get("/")
    assert page.status_code == 200
    assert "Vue d’ensemble" in page.text or "Vue d'ensemble" in page.text
