impl :: invect_runtime :: InvectEnum for FlowRunStatus {
    const VARIANTS : & 'static [& 'static str] = & ["PENDING" , "RUNNING" , "DONE"] ;
    const TYPE_NAME : & 'static str = "flow_run_status" ;
    const ENUM_DEF : :: invect_runtime :: __private :: invect_schema :: EnumDef = :: invect_runtime :: __private :: invect_schema :: EnumDef {
        name : :: std :: borrow :: Cow :: Borrowed ("flow_run_status") ,
        values : :: std :: borrow :: Cow :: Borrowed (& [:: std :: borrow :: Cow :: Borrowed ("PENDING") , :: std :: borrow :: Cow :: Borrowed ("RUNNING") , :: std :: borrow :: Cow :: Borrowed ("DONE")])
    } ;
    fn as_str (& self) -> & 'static str {
        match self {
            Self :: Pending => "PENDING" ,
            Self :: Running => "RUNNING" ,
            Self :: Success => "DONE" ,
        }
    }
    fn from_str (s : & str) -> :: core :: option :: Option < Self > {
        match s {
            "PENDING" => :: core :: option :: Option :: Some (Self :: Pending) ,
            "RUNNING" => :: core :: option :: Option :: Some (Self :: Running) ,
            "DONE" => :: core :: option :: Option :: Some (Self :: Success) ,
            _ => :: core :: option :: Option :: None
        }
    }
}
:: invect_runtime :: __impl_enum_value ! (FlowRunStatus) ;
