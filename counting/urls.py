app_name = "counting"
urlpatterns: list = []
