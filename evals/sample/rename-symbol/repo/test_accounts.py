import unittest

from accounts import get_usr
from reports import user_report
from views import profile_page


class AccountsTest(unittest.TestCase):
    def test_get_usr(self):
        self.assertEqual(get_usr(1), "ada")
        self.assertIsNone(get_usr(3))

    def test_profile_page(self):
        self.assertEqual(profile_page(2), "<h1>grace</h1>")

    def test_user_report(self):
        self.assertEqual(user_report([2, 3]), ["grace", "?"])


if __name__ == "__main__":
    unittest.main()
