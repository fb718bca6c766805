import accounts


def user_report(ids):
    """The names of users ``ids``; "?" for unknown ones."""
    return [accounts.get_usr(user_id) or "?" for user_id in ids]
