from django.contrib.auth import views as auth_views
from django.urls import path

from ruam.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/2fa/setup/", views.setup_second_factor, name="setup"),
    path("accounts/2fa/", views.verify_second_factor, name="verify"),
]
