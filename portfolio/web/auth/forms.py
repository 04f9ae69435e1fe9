from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Email, Length

from portfolio.web.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class LanguageForm(BaseForm):
    locale = SelectField(choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")])


class LogoutForm(BaseForm):
    """CSRF token only: logging out is a state change, so it is a POST."""
