import unittest

from text_tools import title_case


class TitleCaseTest(unittest.TestCase):
    def test_title_case(self):
        self.assertEqual(title_case("the quick  fox"), "The Quick Fox")


if __name__ == "__main__":
    unittest.main()
