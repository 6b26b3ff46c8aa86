def test_login_lands_on_role_home(login):
    client = login("mentee")
    page = client.get("/").get_data(as_text=True)
    assert "Hi Mina" in page
    assert "Omar Mentor" in page
