"""Chinese dates as Plaza writes them: "2026年12月14日 星期一 20:00" (templates use ``|when``)."""

DATE_FORMAT = "Y年n月j日 l"
DATETIME_FORMAT = "Y年n月j日 l H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
FIRST_DAY_OF_WEEK = 1
