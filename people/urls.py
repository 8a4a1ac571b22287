from django.urls import path, register_converter

from people import views


class PersonCodeConverter:
    regex = "[A-Za-z0-9]{3}-[A-Za-z0-9]{3}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(PersonCodeConverter, "code")

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("nouvelle/", views.person_create, name="create"),
    path("<code:code>/", views.person_detail, name="detail"),
    path("<code:code>/modifier/", views.person_edit, name="edit"),
    path("<code:code>/derogation/", views.eligibility_override, name="override"),
    path("<code:code>/derogation/retirer/", views.eligibility_revoke, name="override_revoke"),
    path("<code:code>/identite/", views.identity_detail, name="identity"),
    path("<code:code>/identite/modifier/", views.identity_edit, name="identity_edit"),
]
