"""User accounts."""

USERS = {1: "ada", 2: "grace"}


def get_usr(user_id):
    """The name of user ``user_id``, or None."""
    return USERS.get(user_id)
