from config.formats import machine_first

DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, TIME_INPUT_FORMATS = machine_first("zh_Hans")
