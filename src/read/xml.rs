//! Small helpers over quick-xml for the package parts jucai reads itself
//! (merged areas, the shared-string count), not through calamine.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader as XmlReader;

/// Attribute `key` (by local name) of an element.
pub(crate) fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Whether an XML document declares a DTD (`<!DOCTYPE …>`, where entities
/// are declared) before its root element. Reading stops at the root element,
/// so a normal part costs a few bytes.
pub(crate) fn declares_doctype(xml: impl std::io::BufRead) -> bool {
    let mut reader = XmlReader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::DocType(_)) => return true,
            Ok(Event::Start(_) | Event::Empty(_) | Event::Eof) | Err(_) => return false,
            _ => {}
        }
        buf.clear();
    }
}

/// Every element named `tag` in `xml`, as its attributes.
pub(crate) fn elements(xml: &[u8], tag: &str, mut each: impl FnMut(&BytesStart<'_>)) {
    let mut reader = XmlReader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == tag => each(&e),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
}
