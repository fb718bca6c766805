from accounts import get_usr


def profile_page(user_id):
    name = get_usr(user_id)
    return f"<h1>{name}</h1>" if name else "<h1>unknown user</h1>"
