import unittest

from paginate import page_count


class PageCountTest(unittest.TestCase):
    def test_page_count(self):
        self.assertEqual(page_count(list(range(25))), 3)
        self.assertEqual(page_count([]), 0)


if __name__ == "__main__":
    unittest.main()
